"""Pages every role shares: the start page, error pages, the accessibility statement."""
