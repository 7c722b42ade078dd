"""Writes the .zip fixtures: WhatsApp's "Export chat" with media, as an iPhone and an Android phone
share it (the chat text beside its media files), and a zip that is not an export. The media are a few
bytes standing in for photos: an import reads them through once for their SHA-256 and never writes them. Run from this folder; the output is
byte-for-byte the same each time."""
import zipfile

STAMP = (2024, 3, 14, 8, 0, 0)

def write(name, entries):
    with zipfile.ZipFile(name, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for path, data in entries:
            info = zipfile.ZipInfo(path, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)

photo = b"\xff\xd8\xff\xe0 stand-in for a photo" + bytes(2000)
write("iphone-media.zip", [
    ("_chat.txt", open("iphone-us-12h.txt", "rb").read()),
    ("00000012-PHOTO-2024-03-12-12-01-00.jpg", photo),
])
write("android-media.zip", [
    ("WhatsApp Chat with Family time.txt", open("android-group-media.txt", "rb").read()),
    ("IMG-20240201-WA0001.jpg", photo),
])
write("not-an-export.zip", [("notes.txt", b"one"), ("more-notes.txt", b"two")])
