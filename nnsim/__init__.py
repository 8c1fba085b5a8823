"""nnsim: draw a neural network on a canvas and watch it compute and learn."""
__version__ = "0.1.0"
