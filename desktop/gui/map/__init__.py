"""The Map tab: the 2-D map of the library, drawn, explored and rendered to a picture."""
