"""Results of assessments, the overall outcome, and its quality-assurance sign-off."""
