"""Marketplace ZPL: label drawing passes byte for byte, printer configuration and firmware commands do not."""

from __future__ import annotations

from packstation.services.printing.zpl_filter import filter_zpl

LABEL = (
    b"^XA^CI28^PW812^LL1218^LH0,0\n"
    b"^FO40,40^A0N,40,40^FDAl\xc4\xb1c\xc4\xb1: \xc5\x9e\xc3\xbckr\xc3\xbc G\xc3\xb6k\xc3\xa7e^FS\n"
    b"^FO40,120^BY3^BCN,120,Y,N,N^FD7330000000000007^FS\n"
    b"^FO30,30^GB752,1150,4^FS^FO60,300^BQN,2,6^FDQA,3200000007^FS\n"
    b"^PQ1^XZ\n"
)


def test_a_drawing_only_label_passes_unchanged() -> None:
    filtered = filter_zpl(LABEL)
    assert filtered.data == LABEL
    assert filtered.removed == ()


def test_configuration_and_firmware_commands_are_removed() -> None:
    hostile = (
        b"~JR^XA^NSs,10.0.0.99,255.255.255.0,10.0.0.1^JUS^FO40,40^A0N,40,40^FDhello^FS"
        b"~DGR:LOGO.GRF,00080,010,FFFF0000FFFF0000^XGR:LOGO.GRF,1,1^FS"
        b"^CC!!JUS^KP 1234^MMT^MNY^JZY~JA^XZ~DYE:FW.ZPL,B,Z,100,,00ff~JU"
    )
    filtered = filter_zpl(hostile)
    assert filtered.removed == ("~JR", "^NS", "^JU", "~DG", "^CC", "^KP", "^MM", "^MN", "^JZ", "~JA", "~DY", "~JU")
    assert filtered.data == b"^XA^FO40,40^A0N,40,40^FDhello^FS^XGR:LOGO.GRF,1,1^FS^XZ"
    for command in (b"^NS", b"^JU", b"~JR", b"~DG", b"^KP", b"~JU", b"10.0.0.99", b"1234"):
        assert command not in filtered.data
