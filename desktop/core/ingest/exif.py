"""When and with what a photo was taken, from its EXIF tags. Damaged or absent EXIF
is common and never costs the photo: every reader here returns None instead."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from PIL import Image

_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_OFFSET_TIME_ORIGINAL = 0x9011
_DATETIME = 0x0132  # when the file was last changed: a fallback only
_MAKE = 0x010F
_MODEL = 0x0110


def taken_at_of(image: Image.Image) -> float | None:
    """POSIX time the photo was taken; naive EXIF times are read as local time."""
    try:
        exif = image.getexif()
        sub = exif.get_ifd(_EXIF_IFD)
        stamp = sub.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
        if not stamp:
            return None
        when = datetime.strptime(_clean(stamp)[:19], "%Y:%m:%d %H:%M:%S")
        offset = _offset(sub.get(_OFFSET_TIME_ORIGINAL)) if sub.get(_DATETIME_ORIGINAL) else None
        if offset is not None:
            when = when.replace(tzinfo=offset)
        return when.timestamp()
    except Exception:  # "0000:00:00 00:00:00", garbage bytes, broken IFD offsets...
        return None


def camera_of(image: Image.Image) -> str | None:
    """"Make Model", without repeating the make when the model already names it."""
    try:
        exif = image.getexif()
        make, model = _clean(exif.get(_MAKE)), _clean(exif.get(_MODEL))
    except Exception:
        return None
    if make and model.lower().startswith(make.split()[0].lower()):
        make = ""  # "Canon" + "Canon EOS 5D" reads better as "Canon EOS 5D"
    camera = f"{make} {model}".strip()
    return camera or None


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return " ".join(str(value).replace("\x00", " ").split())


def _offset(value: object) -> timezone | None:
    text = _clean(value)  # "+02:00"
    if len(text) != 6 or text[0] not in "+-" or text[3] != ":":
        return None
    try:
        hours, minutes = int(text[1:3]), int(text[4:6])
    except ValueError:
        return None
    sign = 1 if text[0] == "+" else -1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
