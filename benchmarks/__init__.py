"""Performance goals, measured as percentiles and as ratios against a baseline run alongside."""
