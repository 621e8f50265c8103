"""HTML escaping for pages that write hundreds of values themselves."""

#: markupsafe.escape's replacements, applied without making a Markup of each value
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})


def escaped(value) -> str:
    """`value` as text, escaped as markupsafe.escape would: a plain str, to join with others."""
    return str(value).translate(_ESCAPES)
