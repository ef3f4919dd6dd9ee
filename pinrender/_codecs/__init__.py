"""Image codecs: magic-byte sniffing, header probing with limits, strict decoding, encoding."""

from .decode import ShrinkHint, decode, source_format
from .encode import encode
from .probe import ProbeInfo, probe
from .sniff import sniff

__all__ = ["ProbeInfo", "ShrinkHint", "decode", "encode", "probe", "sniff", "source_format"]
