"""The recommender: features, LightFM training, offline evaluation, serving from embeddings.

Internal LightFM indices never leave this package; everything outside speaks
external ids (the merchant's product ids, our profile ids).
"""
