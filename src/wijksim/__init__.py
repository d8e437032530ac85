"""wijksim."""
