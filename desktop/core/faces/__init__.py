"""Faces in photos, offline: find them (dlib's HOG detector), align them (the 5-point landmark model),
describe them (dlib's 128-d ResNet descriptor), and group descriptors into people (Chinese whispers).
Pure functions over pixels and vectors: the catalog side is indexing/faces_phase.py and people/."""
