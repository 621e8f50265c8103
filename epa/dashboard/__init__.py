"""Start-page counts for each role, the lists behind them, and the outcomes chart."""
