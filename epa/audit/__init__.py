"""Who changed what, when: the audit trail written beside every change."""
