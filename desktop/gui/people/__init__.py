"""Photos ▸ People: the people found in the photos, their faces, and naming, merging, moving and hiding."""
