"""Text helpers of the transforms (user-agent classes, sentiment lexicon, product mentions)."""
