"""Measuring widgets: attribution of carts and purchases, and uplift against the holdout."""
