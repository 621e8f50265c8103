"""When two employers' or two training providers' names are the same name."""

#: the width of the key columns; a name is at most this long, but case-folding may lengthen it
#: (ß becomes ss), and a key must still fit its column
NAME_KEY_LENGTH = 200


def organisation_name_key(name: str) -> str:
    """What two names that are the same organisation share: case, the spaces around the name and
    how many spaces stand between its words do not count ("ACME  Ltd " is "Acme Ltd")."""
    return " ".join(name.split()).casefold()[:NAME_KEY_LENGTH]
