"""Reading the words inside photos and scanned pages, offline (PP-OCRv4 models shipped in the
rapidocr-onnxruntime wheel). A storage-floor room beside ingest: pictures in, lines of text out;
the indexing phase (core/indexing/ocr_phase.py) decides what to read and stores it."""
