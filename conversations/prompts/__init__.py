"""Built-in prompts, in Trellis's own words."""
