"""Small generated collections for tests: documents on clearly different topics, and photos."""

from __future__ import annotations

from pathlib import Path

DOCUMENTS = {
    "bread.md": "# Baking sourdough bread\n\nFeed the starter with flour and water the night before. "
    "Knead the dough, let it rise slowly in a cool kitchen, shape the loaf and bake it in a hot Dutch oven "
    "until the crust is dark and crackly.\n",
    "bicycle.txt": "Fixing a bicycle chain\n\nWhen the chain slips or breaks, shift to the smallest sprocket, "
    "use a chain tool to push out the damaged pin, join the links again and lubricate the chain. Check the "
    "derailleur and the tyre pressure before riding.\n",
    "taxes.rst": "Tax return checklist\n====================\n\nCollect your salary statements, receipts for "
    "deductible expenses and the pension statements. The deadline for filing the income tax return is the end "
    "of July; late filing costs a penalty.\n",
    "garden.txt": "Growing tomatoes in the garden\n\nPlant the seedlings after the last frost in full sun, water "
    "them at the roots, tie the stems to stakes and pinch out side shoots so the plants put their energy into "
    "the fruit.\n",
    "astronomy.html": "<html><head><title>Watching the night sky</title><style>body{}</style></head><body>"
    "<h1>Watching the night sky</h1><p>Find a dark place away from city lights. Let your eyes adapt for twenty "
    "minutes, then look for the planets, the Milky Way and meteors with binoculars or a small telescope.</p>"
    "<script>var x = 1;</script></body></html>",
    "python.md": "# Async programming in Python\n\nThe asyncio event loop runs coroutines. Use async def and "
    "await, gather tasks concurrently, and never block the loop with slow synchronous calls.\n",
    "zorblax.txt": "Notes on the zorblax protocol\n\nThe zorblax handshake exchanges three frames before any "
    "payload is sent.\n",
}


def write_documents(folder: Path, names: list[str] | None = None) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, text in DOCUMENTS.items():
        if names is None or name in names:
            path = folder / name
            path.write_text(text, encoding="utf-8")
            written[name] = path
    return written


def write_photos(folder: Path, count: int = 4) -> list[Path]:
    """Simple coloured pictures; photo i and its copy look alike, others differ."""
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    colours = [(200, 30, 30), (30, 160, 40), (30, 60, 200), (230, 200, 40), (120, 40, 160), (20, 20, 20)]
    paths = []
    for i in range(count):
        image = Image.new("RGB", (96, 64), colours[i % len(colours)])
        draw = ImageDraw.Draw(image)
        draw.ellipse((10 + i * 5, 10, 60 + i * 5, 50), fill=(255 - i * 40, 255, 255))
        path = folder / f"photo_{i}.{'jpg' if i % 2 else 'png'}"
        image.save(path)
        paths.append(path)
    return paths
