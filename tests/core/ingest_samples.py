"""Small sample files built in memory for the ingest tests (no fixtures on disk)."""

from __future__ import annotations

from io import BytesIO

from PIL import Image


def make_pdf(pages: list[str], title: str | None = None) -> bytes:
    """A minimal valid PDF with one line of Helvetica text per page, xref and all."""
    n_pages = len(pages)
    font_id = 3
    first_page_id = 4
    info_id = first_page_id + 2 * n_pages
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        font_id: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    kids = []
    for index, text in enumerate(pages):
        page_id, content_id = first_page_id + 2 * index, first_page_id + 2 * index + 1
        kids.append(f"{page_id} 0 R".encode())
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET".encode("latin-1")
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents " + f"{content_id} 0 R >>".encode()
        )
        objects[content_id] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    objects[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % n_pages
    trailer_extra = b""
    if title is not None:
        objects[info_id] = f"<< /Title ({title}) >>".encode("latin-1")
        trailer_extra = f" /Info {info_id} 0 R".encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for obj_id in sorted(objects):
        offsets[obj_id] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (obj_id, objects[obj_id])
    size = max(objects) + 1
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for obj_id in range(1, size):
        out += b"%010d 00000 n \n" % offsets[obj_id] if obj_id in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (size, trailer_extra, xref_at)
    return bytes(out)


def make_encrypted_pdf(text: str, user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(BytesIO(make_pdf([text]))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(title: str | None = None) -> bytes:
    import docx

    document = docx.Document()
    if title is not None:
        document.core_properties.title = title
    document.add_heading("Plumbing invoice", level=1)
    document.add_paragraph("The boiler was repaired on Tuesday.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Labour"
    table.cell(0, 1).text = "120 EUR"
    table.cell(1, 0).text = "Parts"
    table.cell(1, 1).text = "45 EUR"
    document.add_paragraph("Paid in full.")
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def image_bytes(image: Image.Image, fmt: str, **save_args: object) -> bytes:
    out = BytesIO()
    image.save(out, fmt, **save_args)
    return out.getvalue()


def gradient(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """An image whose left and right halves differ, so rotations can be told apart."""
    image = Image.new("RGB", (width, height), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, width // 2, height))
    return image.convert(mode)
