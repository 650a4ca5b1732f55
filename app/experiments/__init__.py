"""Experiments: assigning visitors to arms, and comparing arms. Plain functions, no Flask, no database."""
