"""Where a shopper is in their journey: stages and traits, plain functions over facts."""
