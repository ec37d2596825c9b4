"""Generated test data: a few dozen short documents on distinct topics and some small photos."""

from __future__ import annotations

from pathlib import Path

TOPICS = {
    "bicycle-repair": "Patching a punctured inner tube: take the wheel off the frame, lever the tyre from the rim, "
                      "find the hole by pumping air and listening, roughen the rubber and glue a patch over it.",
    "sourdough": "Feed the sourdough starter with flour and water the evening before, then knead the dough, "
                 "let it rise overnight and bake the loaf in a hot Dutch oven for a crackling crust.",
    "boiler-service": "The gas boiler was serviced by the engineer: the pressure was topped up, the flue checked "
                      "and the heating radiators bled. Next annual service is due in March.",
    "tax-return": "Self assessment tax return: gather the payslips, interest statements and receipts for "
                  "deductible expenses before the January deadline to avoid a penalty from the revenue office.",
    "cat-care": "Kittens sleep most of the day. Brush the cat's fur weekly, trim its claws, and take it to the "
                "vet for worming and flea treatment every three months.",
    "python-packaging": "Build a wheel with pyproject.toml and setuptools, then upload the distribution to the "
                        "package index with twine so others can pip install your library.",
    "marathon": "The marathon training plan builds weekly mileage slowly: one long run on Sunday, tempo intervals "
                "on Wednesday and easy recovery jogs in between, tapering two weeks before the race.",
    "tomatoes": "Sow tomato seeds indoors in spring, plant the seedlings in the greenhouse after the last frost, "
                "pinch out side shoots and water the vines evenly to stop the fruit splitting.",
    "oil-change": "Changing the car's engine oil: warm the engine, drain the sump plug, replace the oil filter, "
                  "refill with 5W-30 and check the dipstick level.",
    "wedding": "Wedding plans: book the venue and the caterer, send invitations to the guests, choose the "
               "flowers and arrange the seating plan for the reception dinner.",
    "mortgage": "The mortgage offer has a fixed interest rate for five years; the monthly repayment on the home "
                "loan is lower than the rent, and the bank wants a ten percent deposit.",
    "dentist": "Dentist appointment on Tuesday for a filling in a molar; floss daily and use a soft toothbrush "
               "to stop the gums bleeding.",
    "birdwatching": "At the estuary we spotted herons, a kingfisher and flocks of migrating geese through the "
                    "binoculars; the bird hide is open from dawn.",
    "chess": "The Sicilian Defence answers the king's pawn opening; castle early, develop the knights and bishops "
             "and fight for control of the centre of the board.",
    "volcanoes": "Volcanic eruptions release lava, ash and sulphur dioxide; a large eruption can cool the global "
                 "climate for a year or two by reflecting sunlight.",
    "piano": "Practise piano scales slowly with a metronome, then play the Chopin nocturne hands separately "
             "before putting both hands together.",
    "knitting": "Cast on eighty stitches with the merino wool, knit the ribbing for the jumper's cuffs and purl "
                "every other row for the stocking stitch.",
    "beekeeping": "Inspect the beehive every week in summer: look for the queen, check the brood frames and add a "
                  "super when the honey stores fill up.",
    "coffee": "For pour-over coffee grind the beans medium-fine, rinse the paper filter and pour water just off "
              "the boil in slow circles for a three minute brew.",
    "hiking": "The alpine hut-to-hut trek crosses three mountain passes; pack waterproofs, a map and enough "
              "water, and start early before afternoon thunderstorms.",
    "solar-panels": "The rooftop solar panels and inverter produce about four thousand kilowatt hours a year; "
                    "surplus electricity is exported to the grid.",
    "spanish": "Learning Spanish: conjugate the irregular verbs ser and estar, practise listening with podcasts "
               "and revise vocabulary with flashcards every morning.",
    "telescope": "Point the reflector telescope at Jupiter to see its moons; collimate the mirrors and let the "
                 "optics cool outside before observing the night sky.",
    "wine": "At the wine tasting we compared a Rioja and a Burgundy pinot noir, noting tannins, acidity and the "
            "oak aroma from the barrels.",
    "first-aid": "First aid for a burn: cool it under running water for twenty minutes, remove rings, cover it "
                 "loosely with cling film and seek medical help if it blisters badly.",
    "football": "The football team won the cup final with a penalty shoot-out after extra time; the goalkeeper "
                "saved two spot kicks.",
    "roof-leak": "Rain is leaking through the roof: a cracked slate and blocked gutter let water into the attic, "
                 "so the roofer will replace the tiles and the flashing.",
    "tea": "Brew green tea at eighty degrees for two minutes; boiling water scalds the leaves and makes the cup "
           "bitter.",
    "dog-vaccines": "The puppy needs its vaccinations against distemper and parvovirus before its first walk in "
                    "the park, and a booster every year.",
    "recycling": "Recycling collection: glass bottles and jars go in the green box, paper and cardboard in the "
                 "blue bin, and food waste in the caddy on Thursdays.",
}

PHOTOS = {"red-sunset": (220, 60, 30), "green-forest": (30, 160, 60), "blue-sea": (30, 80, 200),
          "yellow-flowers": (240, 220, 40), "grey-city": (120, 120, 130)}


def write_documents(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index, (name, text) in enumerate(TOPICS.items()):
        suffix = ".md" if index % 3 == 0 else ".txt"
        body = f"# {name.replace('-', ' ').title()}\n\n{text}\n" if suffix == ".md" else text + "\n"
        (folder / f"{name}{suffix}").write_text(body, encoding="utf-8")
    return folder


def write_photos(folder: Path) -> Path:
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    for index, (name, colour) in enumerate(PHOTOS.items()):
        image = Image.new("RGB", (96, 72), colour)
        draw = ImageDraw.Draw(image)
        draw.ellipse((10 + index * 8, 10, 50 + index * 8, 50), fill=(255, 255, 255))
        image.save(folder / f"{name}.png")
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nthis is not really a picture")
    return folder


def write_many(folder: Path, count: int) -> Path:
    """A larger folder, for cancelling an indexing run part way."""
    folder.mkdir(parents=True, exist_ok=True)
    topics = list(TOPICS.values())
    for i in range(count):
        text = " ".join(topics[(i + k) % len(topics)] for k in range(4))
        (folder / f"note-{i:04d}.txt").write_text(f"Note {i}. {text}\n", encoding="utf-8")
    return folder


MARKS = [  # (query, right document, wrong document) among these documents: the wizard's and the memory bench's marks
    ("fixing a flat bike tyre", "bicycle-repair", "oil-change"),
    ("baking bread at home", "sourdough", "tomatoes"),
    ("when is the heating checked", "boiler-service", "dentist"),
    ("paperwork for the revenue office", "tax-return", "mortgage"),
    ("looking after a kitten", "cat-care", "wedding"),
    ("training for a long race", "marathon", "football"),
    ("looking at the planets at night", "telescope", "volcanoes"),
    ("keeping bees in the garden", "beekeeping", "tomatoes"),
]
