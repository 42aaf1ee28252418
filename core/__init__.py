"""What every app shares: visibility, narrative blocks, feed and API plumbing, Danish text, publishing.

The bottom layer: it imports no app of the project (the layer test in tests/test_layers.py keeps it so).
"""
