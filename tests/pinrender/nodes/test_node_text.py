"""Text: a laid-out text layer drawn into its box, in its colour."""

from __future__ import annotations

import pinrender
from pinrender._nodes.text import Text

from .helpers import SERVICES, run

TEMPLATE = {"canvas": {"width": 300, "height": 80},
            "layers": [{"name": "t", "type": "text", "x": 0, "y": 0, "width": 300, "height": 80,
                        "text": "Hello", "fontSize": 48, "color": "#ff0000",
                        "fontFamily": "Noto Sans"}]}


def test_ink_in_the_colour_inside_the_box() -> None:
    layer = pinrender.resolve(TEMPLATE).layers[0]
    image = run(Text(layer, SERVICES.fonts.fingerprint))  # type: ignore[arg-type]
    assert image.size == (300, 80)
    box = image.getchannel("A").getbbox()
    assert box is not None and box[0] < 20 and box[2] < 200
    opaque = [p for _, p in image.getcolors(300 * 80) if p[3] == 255]
    assert opaque and all(p[:3] == (255, 0, 0) for p in opaque)
