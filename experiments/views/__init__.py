"""Views of experiments outside the page tree: the progress dashboard and the provision pages."""
