"""p13n: a self-hosted storefront personalization engine. The app is built by app.factory.create_app."""
