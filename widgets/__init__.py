"""The storefront script: sources in widgets/src, built by widgets/build.py into static/p13n.js."""
