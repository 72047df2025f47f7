#!/usr/bin/env python3
"""Writes the seed corpus for the dns_message fuzz target.

The files in corpus/dns_message/ are committed; the build never runs this
script. Run it by hand (python3 tests/fuzz/make_corpus.py) after changing a
seed here, and commit the regenerated files. It removes the *.bin files it
owns first, so the directory always matches this list.

"ok-*" seeds are well-formed messages that parse_message() must accept;
"bad-*" seeds are malformed and must be rejected. The fuzz target only checks
that nothing crashes and that invariants hold, so the prefixes are for people.
"""

import ipaddress
import pathlib
import struct

OUT = pathlib.Path(__file__).resolve().parent / "corpus" / "dns_message"

A, NS, CNAME, SOA, MX, TXT, AAAA, SRV, OPT, CAA = 1, 2, 5, 6, 15, 16, 28, 33, 41, 257
IN = 1
REPLY = 0x8180  # QR, RD, RA
AUTH_REPLY = 0x8400  # QR, AA


def u16(v):
    return struct.pack(">H", v)


def u32(v):
    return struct.pack(">I", v)


def labels_wire(labels):
    return b"".join(bytes([len(l)]) + l for l in labels) + b"\0"


class Msg:
    """A message builder that compresses names the way servers do."""

    def __init__(self, flags=REPLY, ident=0x1234):
        self.ident, self.flags = ident, flags
        self.counts = [0, 0, 0, 0]
        self.body = bytearray()
        self.suffixes = {}  # lower-cased label tuple -> message offset

    def offset(self):
        return 12 + len(self.body)

    def name(self, text, at=None):
        """Wire form of `text` as if written at offset `at`, recording its suffixes."""
        at = self.offset() if at is None else at
        labels = [] if text == "." else [l.encode() for l in text.split(".")]
        out = bytearray()
        for i in range(len(labels)):
            key = tuple(l.lower() for l in labels[i:])
            if key in self.suffixes:
                return bytes(out + u16(0xC000 | self.suffixes[key]))
            if at + len(out) < 0x4000:
                self.suffixes[key] = at + len(out)
            out += bytes([len(labels[i])]) + labels[i]
        return bytes(out + b"\0")

    def question(self, name, qtype, qclass=IN):
        self.body += self.name(name) + u16(qtype) + u16(qclass)
        self.counts[0] += 1
        return self

    def record(self, section, name, rtype, rdata, ttl=300, rclass=IN):
        """rdata: bytes, or a callable taking the RDATA's offset and returning bytes."""
        owner = self.name(name)
        start = self.offset() + len(owner) + 10
        data = rdata(start) if callable(rdata) else rdata
        self.body += owner + u16(rtype) + u16(rclass) + u32(ttl) + u16(len(data)) + data
        self.counts[section] += 1
        return self

    def an(self, *a, **k):
        return self.record(1, *a, **k)

    def ns(self, *a, **k):
        return self.record(2, *a, **k)

    def ar(self, *a, **k):
        return self.record(3, *a, **k)

    def opt(self, udp_size=1232, ext_rcode=0, options=b""):
        self.body += b"\0" + u16(OPT) + u16(udp_size) + u32(ext_rcode << 24) + u16(len(options))
        self.body += options
        self.counts[3] += 1
        return self

    def wire(self):
        return struct.pack(">6H", self.ident, self.flags, *self.counts) + bytes(self.body)


# RDATA helpers; those with names take the RDATA's offset so they can compress.
def rd_name(m, target):
    return lambda at: m.name(target, at)


def rd_mx(m, pref, target):
    return lambda at: u16(pref) + m.name(target, at + 2)


def rd_srv(m, prio, weight, port, target):
    return lambda at: u16(prio) + u16(weight) + u16(port) + m.name(target, at + 6)


def rd_soa(m, mname, rname, serial, refresh, retry, expire, minimum):
    def build(at):
        first = m.name(mname, at)
        second = m.name(rname, at + len(first))
        return first + second + struct.pack(">5I", serial, refresh, retry, expire, minimum)

    return build


def rd_txt(*strings):
    return b"".join(bytes([len(s)]) + s for s in strings)


def rd_caa(flags, tag, value):
    return bytes([flags, len(tag)]) + tag + value


def v4(text):
    return ipaddress.IPv4Address(text).packed


def v6(text):
    return ipaddress.IPv6Address(text).packed


def header(ident, flags, qd, an, ns, ar):
    return struct.pack(">6H", ident, flags, qd, an, ns, ar)


def seeds():
    s = {}

    # --- well-formed ---------------------------------------------------
    m = Msg().question("www.example.com", A)
    m.an("www.example.com", A, v4("192.0.2.1")).an("www.example.com", A, v4("192.0.2.2"))
    s["ok-a"] = m.wire()

    m = Msg().question("www.example.com", AAAA)
    s["ok-aaaa"] = m.an("www.example.com", AAAA, v6("2001:db8::1")).wire()

    m = Msg().question("www.example.com", A)
    m.an("www.example.com", CNAME, rd_name(m, "edge.cdn.example.net"), ttl=3600)
    m.an("edge.cdn.example.net", CNAME, rd_name(m, "pop1.cdn.example.net"), ttl=60)
    m.an("pop1.cdn.example.net", A, v4("198.51.100.7"), ttl=20)
    s["ok-cname-chain"] = m.opt().wire()

    m = Msg().question("example.com", MX)
    m.an("example.com", MX, rd_mx(m, 10, "mail.example.com"))
    m.an("example.com", MX, rd_mx(m, 20, "backup-mx.example.org"))
    s["ok-mx"] = m.wire()

    m = Msg().question("example.com", TXT)
    strings = [b"v=spf1 -all", b"", b'say "hi" \\ there', b"\x00\x7f\xff tab\t"]
    m.an("example.com", TXT, rd_txt(*strings))
    m.an("example.com", TXT, rd_txt(b"x" * 255))
    s["ok-txt-strings"] = m.wire()

    m = Msg(flags=0x8183).question("nope.example.com", A)  # NXDOMAIN
    m.ns("example.com", SOA, rd_soa(m, "ns1.example.com", "hostmaster.example.com",
                                    2024010101, 7200, 3600, 1209600, 300), ttl=300)
    s["ok-nxdomain-soa"] = m.opt().wire()

    m = Msg(flags=0x8000).question("www.example.com", A)  # referral: QR only
    m.ns("example.com", NS, rd_name(m, "a.iana-servers.net"), ttl=172800)
    m.ns("example.com", NS, rd_name(m, "ns.example.com"), ttl=172800)
    m.ar("ns.example.com", A, v4("192.0.2.53"), ttl=172800)
    m.ar("ns.example.com", AAAA, v6("2001:db8::53"), ttl=172800)
    s["ok-ns-referral-glue"] = m.opt(udp_size=4096).wire()

    m = Msg().question("_sip._tcp.example.com", SRV)
    m.an("_sip._tcp.example.com", SRV, rd_srv(m, 10, 60, 5060, "sip.example.com"))
    m.an("_sip._tcp.example.com", SRV, rd_srv(m, 0, 0, 0, "."))
    s["ok-srv"] = m.wire()

    m = Msg().question("example.com", CAA)
    m.an("example.com", CAA, rd_caa(0, b"issue", b"letsencrypt.org"))
    m.an("example.com", CAA, rd_caa(128, b"iodef", b"mailto:security@example.com"))
    m.an("example.com", CAA, rd_caa(0, b"issuewild", b";"))
    s["ok-caa"] = m.wire()

    m = Msg().question("www.example.com", A).an("www.example.com", A, v4("203.0.113.9"))
    cookie = u16(10) + u16(8) + bytes(range(8))  # EDNS COOKIE option
    s["ok-opt-cookie"] = m.opt(udp_size=1232, options=cookie).wire()

    m = Msg(flags=0x8180).question("example.com", A)
    s["ok-opt-badvers"] = m.opt(udp_size=512, ext_rcode=1).wire()  # RCODE 16

    m = Msg().question("example.com", 65)  # HTTPS, shown as RFC 3597 \# data
    m.an("example.com", 65, u16(1) + b"\0" + u16(1) + u16(3) + b"\x02h2")
    m.an("example.com", 65535, b"")
    s["ok-type65-unknown"] = m.wire()

    m = Msg(flags=AUTH_REPLY).question(".", NS)
    m.an(".", NS, rd_name(m, "a.root-servers.net"), ttl=518400)
    s["ok-root-ns"] = m.wire()

    s["ok-query-edns"] = Msg(flags=0x0100, ident=0xBEEF).question("www.example.com", A).opt().wire()

    # A name with octets that need escapes: '.', '\\', a space and 0x00 in one label.
    odd = labels_wire([b"a.b\\c d\x00", b"example", b"com"])
    s["ok-escaped-label"] = (header(7, REPLY, 1, 1, 0, 0) + odd + u16(A) + u16(IN) + u16(0xC00C) +
                             u16(A) + u16(IN) + u32(60) + u16(4) + v4("192.0.2.3"))

    # The longest legal name: 255 octets (labels of 63, 63, 63, 61), escaped octets inside.
    longest = labels_wire([b"\xff" * 63, b"b" * 63, b"c" * 63, b"d" * 61])
    assert len(longest) == 255
    s["ok-name-255-octets"] = header(8, REPLY, 1, 0, 0, 0) + longest + u16(A) + u16(IN)

    # --- malformed -----------------------------------------------------
    def one_question(ident, name_wire, tail=b""):
        return header(ident, REPLY, 1, 0, 0, 0) + name_wire + tail

    q = labels_wire([b"example", b"com"]) + u16(A) + u16(IN)

    def one_answer(ident, rtype, rdlength, rdata, tail=b""):
        """example.com's question and one answer whose RDLENGTH is given separately."""
        rr = u16(0xC00C) + u16(rtype) + u16(IN) + u32(60) + u16(rdlength) + rdata
        return header(ident, REPLY, 1, 1, 0, 0) + q + rr + tail

    qtail = u16(A) + u16(IN)
    s["bad-empty"] = b""
    s["bad-truncated-header"] = header(1, REPLY, 1, 0, 0, 0)[:7]
    s["bad-counts-exceed-message"] = (header(2, REPLY, 1, 65535, 65535, 65535) +
                                      labels_wire([b"a"]) + qtail)
    # A question name that is a pointer to itself (offset 12).
    s["bad-pointer-loop"] = one_question(3, u16(0xC00C), qtail)
    # Two names pointing at each other: the first pointer goes forwards.
    s["bad-pointer-forward"] = (header(4, REPLY, 2, 0, 0, 0) + b"\x01a" + u16(0xC014) + qtail +
                                b"\x01b" + u16(0xC00C) + qtail)
    s["bad-pointer-cut"] = one_question(5, b"\x03www\xc0")
    s["bad-label-0x40"] = one_question(6, b"\x40\x01a\x00", qtail)
    s["bad-label-past-end"] = one_question(7, b"\x3fabcdefgh")
    s["bad-name-over-255"] = one_question(8, labels_wire([b"x" * 63] * 4 + [b"y"]), qtail)
    # Over 255 octets only once a pointer is followed: 200 + 200 octets.
    part = labels_wire([b"p" * 50] * 3 + [b"q" * 46])[:-1]
    s["bad-name-over-255-via-pointer"] = (header(9, REPLY, 2, 0, 0, 0) + part + b"\0" + qtail +
                                          part + u16(0xC00C) + qtail)
    # Counts that fit, then a field cut short: the question type, an answer's TTL.
    s["bad-question-type-cut"] = one_question(10, labels_wire([b"www"]), b"\0")
    s["bad-record-ttl-cut"] = (header(11, REPLY, 1, 1, 0, 0) + q +
                               u16(0xC00C) + u16(A) + u16(IN) + u16(0))
    s["bad-rdlength-past-end"] = one_answer(12, A, 400, v4("192.0.2.1"))
    s["bad-a-rdlength-5"] = one_answer(13, A, 5, v4("192.0.2.1") + b"\0")
    # The string claims 9 octets; the record has 5 more; a question-like tail follows.
    s["bad-txt-string-past-record"] = one_answer(14, TXT, 6, b"\x09hello", u16(0xC00C) + qtail)
    # A CNAME whose RDLENGTH (2) is shorter than its target name.
    s["bad-cname-rdlength-short"] = one_answer(15, CNAME, 2, b"\x03www\xc0\x0c")
    s["bad-caa-empty-tag"] = one_answer(16, CAA, 3, b"\0\0x")
    good = Msg().question("www.example.com", A).an("www.example.com", A, v4("192.0.2.1")).wire()
    s["bad-trailing-garbage"] = good + b"\xde\xad\xbe\xef"
    s["bad-two-opt"] = Msg().question("example.com", A).opt().opt(udp_size=4096).wire()
    opt_answer = Msg().question("example.com", A)
    opt_answer.counts[1] += 1
    opt_answer.body += b"\0" + u16(OPT) + u16(1232) + u32(0) + u16(0)
    s["bad-opt-in-answer"] = opt_answer.wire()
    return s


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.bin"):
        old.unlink()
    for name, data in sorted(seeds().items()):
        (OUT / f"{name}.bin").write_bytes(data)
    print(f"wrote {len(seeds())} seeds to {OUT}")


if __name__ == "__main__":
    main()
