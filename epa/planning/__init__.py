"""The cohort planner: a solver-made plan that books many apprentices' methods at once."""
