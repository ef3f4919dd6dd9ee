"""Image codecs: magic-byte sniffing, header probing with limits, strict decoding, encoding."""

from .decode import ShrinkHint, decode, source_format
from .encode import MEDIA_TYPES, encode, normalise_format
from .probe import ProbeInfo, probe
from .sniff import sniff

__all__ = ["MEDIA_TYPES", "ProbeInfo", "ShrinkHint", "decode", "encode", "normalise_format",
           "probe", "sniff", "source_format"]
