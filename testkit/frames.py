"""Webcam-like 1280x720 frames of a QR code on a phone screen or a letter, made here.

The decoder pipeline is tuned and benchmarked on these (next to the ZXing photos), so they
copy what a desk camera sees: a fixed-focus webcam at 0.3-1 m, a phone held up at an angle
or a printed confirmation, the code 40-300 px wide, defocus and hand motion, glare on the
glass, moiré from the screen's pixel grid, dim screens, dark mode, sensor noise and MJPEG
compression. Everything is drawn with OpenCV and numpy from a seed, so a frame is the same
on every machine and the set needs no files.

    webcam_frame(text, seed=3, carrier="phone", module_px=2.5, motion=6.0)  # one frame
    frame_set(120, seed=7)   # (expected text, frame, conditions) for the bench and tests
    code_shown_for(path, text)  # a recording of a code held up to the camera (MJPG video)
"""

from __future__ import annotations

import base64
import hashlib
import math
from pathlib import Path

import cv2
import numpy as np
import zxingcpp

from checkin.demo import GIVEN, ORGS, SURNAMES

WIDTH, HEIGHT = 1280, 720
FOCAL_PX = 1000.0  # ~65 degree horizontal field of view, a typical laptop/USB webcam
_M = 8  # canvas pixels per QR module before the carrier is projected into the frame

# What a frame looks like when no condition is given: a clean phone at ~35 cm.
DEFAULTS: dict = {
    "carrier": "phone",  # "phone" | "paper"; an empty text draws the carrier without a code
    "encoding": "utf-8",  # "utf-8" | "utf-8-bom" | "gb18030" (byte mode, as GBK systems write)
    "ec": "M",  # QR error correction level L/M/Q/H
    "module_px": 4.0,  # size of one module in the frame at the code's centre (distance)
    "cx": 0.5,  # code centre, as a fraction of the frame width / height
    "cy": 0.5,
    "roll": 0.0,  # in-plane rotation, degrees
    "yaw": 0.0,  # out-of-plane rotations (perspective), degrees
    "pitch": 0.0,
    "defocus": 0.0,  # Gaussian sigma in frame pixels
    "motion": 0.0,  # motion blur length in frame pixels
    "motion_angle": 0.0,  # degrees
    "glare": 0.0,  # 0..1, a specular reflection over part of the code
    "moire": 0.0,  # 0..1, interference fringes from the screen's pixel grid (phones only)
    "brightness": 1.0,  # screen brightness 0..1 (paper: how well it is lit)
    "invert": False,  # dark mode: light modules on a dark screen
    "noise": 2.0,  # sensor noise sigma (grey levels)
    "jpeg": 90,  # MJPEG quality
    "tier": "clean",  # informational: the difficulty tier frame_set drew it from
    "problems": "",  # informational: what frame_set spoiled ("far,glare")
    "payload": "code",  # informational: the kind of payload frame_set drew
}


def webcam_frame(text: str, *, seed: int, **conditions) -> np.ndarray:
    """A 1280x720 BGR frame showing `text` as a QR code (no code when text is "")."""
    unknown = set(conditions) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown conditions: {sorted(unknown)}")
    c = {**DEFAULTS, **conditions}
    rng = np.random.default_rng(seed)
    frame = _background(rng)
    modules = _modules(text, c["encoding"], c["ec"]) if text else None
    canvas, mask, centre = (_phone if c["carrier"] == "phone" else _paper)(modules, c, rng)
    homography = _projection(canvas.shape, centre, c)
    layer, alpha = _project(canvas, mask, homography, c)
    if c["carrier"] == "phone" and c["moire"] > 0:
        layer = _moire(layer, alpha, c["moire"], rng)
    layer, alpha = _camera_blur(layer, alpha, c)
    tint = (1.06, 1.0, 0.94) if c["carrier"] == "phone" else (0.94, 1.0, 1.04)  # B, G, R
    frame = frame * (1 - alpha)[..., None] + layer[..., None] * np.float32(tint)
    if c["glare"] > 0:
        frame = _glare(frame, homography, centre, c["glare"], rng)
    frame += _noise(rng, frame.shape) * np.float32(c["noise"])
    frame = np.clip(frame, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(c["jpeg"])])
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR) if ok else frame


def payload_bytes(text: str, encoding: str) -> bytes:
    """The bytes a frame's QR code carries for `text` in `encoding`."""
    if encoding == "gb18030":
        return text.encode("gb18030")
    if encoding == "utf-8-bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode("utf-8")


def _modules(text: str, encoding: str, ec: str) -> np.ndarray:
    """The QR matrix, True where a module is dark (no quiet zone)."""
    fmt = zxingcpp.BarcodeFormat.QRCode
    if encoding == "utf-8":
        barcode = zxingcpp.create_barcode(text, fmt, ec_level=ec)
    else:
        raw = payload_bytes(text, encoding)
        # A Latin-1 string is written in byte mode without an ECI, as older GBK systems do;
        # zxing-cpp writes it byte for byte unless it holds C1 controls, then bytes (ECI 899).
        barcode = zxingcpp.create_barcode(raw.decode("latin-1"), fmt, ec_level=ec)
        if barcode.bytes != raw:
            barcode = zxingcpp.create_barcode(raw, fmt, ec_level=ec)
    image = np.asarray(barcode.to_image(scale=1, add_quiet_zones=False))
    return image < 128


def _background(rng: np.random.Generator) -> np.ndarray:
    """A defocused room: wall gradient, a window, a person's silhouette, a desk edge.

    Drawn at a quarter of the frame size and scaled up: it is out of focus anyway.
    """
    h, w = HEIGHT // 4, WIDTH // 4
    wall = rng.uniform(90, 200, 3).astype(np.float32)
    gx, gy = rng.uniform(-0.3, 0.3, 2)
    xs = np.linspace(-0.5, 0.5, w, dtype=np.float32)[None, :, None]
    ys = np.linspace(-0.5, 0.5, h, dtype=np.float32)[:, None, None]
    img = (1 + np.float32(gx) * xs + np.float32(gy) * ys) * wall
    if rng.random() < 0.5:  # a bright window
        x0, y0 = int(rng.uniform(0, w * 0.7)), int(rng.uniform(0, h * 0.3))
        img[y0:y0 + int(h * 0.4), x0:x0 + int(w * 0.25)] = rng.uniform(220, 255)
    colour = rng.uniform(20, 140, 3)
    head = (int(rng.uniform(0.3, 0.7) * w), int(rng.uniform(0.25, 0.4) * h))
    cv2.ellipse(img, head, (18, 24), 0, 0, 360, rng.uniform(120, 200, 3).tolist(), -1)
    cv2.ellipse(img, (head[0], h + 20), (75, 83), 0, 180, 360, colour.tolist(), -1)
    desk = int(rng.uniform(0.8, 0.95) * h)
    img[desk:] = rng.uniform(60, 160, 3)
    for _ in range(int(rng.integers(2, 6))):  # cups, badges, cables
        x0, y0 = int(rng.uniform(0, w)), int(rng.uniform(0, h))
        size = rng.uniform(5, 30, 2).astype(int)
        colour = rng.uniform(0, 255, 3).tolist()
        cv2.rectangle(img, (x0, y0), (x0 + size[0], y0 + size[1]), colour, -1)
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.5, 1.5))
    return cv2.resize(img, (WIDTH, HEIGHT), interpolation=cv2.INTER_LINEAR)


_NOISE: list[np.ndarray] = []  # a pool of unit Gaussian noise, drawn once


def _noise(rng, shape) -> np.ndarray:
    """Sensor noise: a random window of a fixed pool (drawing 2.8M normals takes ~30 ms)."""
    size = int(np.prod(shape))
    if not _NOISE:
        _NOISE.append(np.random.default_rng(0).standard_normal(size + 2**16, dtype=np.float32))
    start = int(rng.integers(0, len(_NOISE[0]) - size))
    return _NOISE[0][start:start + size].reshape(shape)


def _grid() -> tuple[np.ndarray, np.ndarray]:
    """Row and column coordinates of the frame, shaped to broadcast (H, 1) and (1, W)."""
    return (np.arange(HEIGHT, dtype=np.float32)[:, None],
            np.arange(WIDTH, dtype=np.float32)[None, :])


def _lines(canvas: np.ndarray, box: tuple[int, int, int, int], value: float, rng) -> None:
    """Grey bars standing in for text lines inside box (x, y, w, h)."""
    x, y, w, h = box
    line_h = max(4, int(h / 6))
    for top in range(y, y + h - line_h, int(line_h * 1.8)):
        length = int(w * rng.uniform(0.4, 1.0))
        canvas[top:top + line_h, x:x + length] = value


def _phone(modules, c: dict, rng) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """A phone in canvas pixels: bezel, screen with an app's ticket page, the code on it."""
    n = modules.shape[0] if modules is not None else 33
    code = n * _M
    sw = int(code / rng.uniform(0.6, 0.82))
    sh = int(sw * 2.1)
    bez = int(sw * 0.05)
    canvas = np.full((sh + 4 * bez, sw + 2 * bez), rng.uniform(15, 45), np.float32)
    mask = np.zeros(canvas.shape, np.float32)
    _rounded(mask, (0, 0, canvas.shape[1], canvas.shape[0]), int(sw * 0.12), 1.0)
    dark = bool(c["invert"])
    paper, ink = (24.0, 235.0) if dark else (250.0, 20.0)
    screen = np.full((sh, sw), paper, np.float32)
    screen[: int(sh * 0.07)] = rng.uniform(40, 160)  # app bar
    _lines(screen, (int(sw * 0.1), int(sh * 0.1), int(sw * 0.8), int(sh * 0.12)),
           ink * 0.8 + paper * 0.2, rng)
    top = int(sh * 0.26)
    left = (sw - code) // 2
    if modules is not None:
        screen[top:top + code, left:left + code] = np.where(
            np.kron(modules, np.ones((_M, _M), bool)), ink, paper)
    _lines(screen, (int(sw * 0.1), top + code + int(sh * 0.05), int(sw * 0.8), int(sh * 0.15)),
           ink * 0.6 + paper * 0.4, rng)
    black = 6.0 + 14.0 * (1 - c["brightness"])  # an LCD's black glows, more so when dimmed
    screen = black + screen / 255.0 * (255.0 * c["brightness"] - black)
    canvas[2 * bez:2 * bez + sh, bez:bez + sw] = screen
    centre = (bez + left + code / 2, 2 * bez + top + code / 2)
    return canvas, mask, centre


def _paper(modules, c: dict, rng) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """A printed confirmation letter: text lines, a logo, the code, uneven lighting."""
    n = modules.shape[0] if modules is not None else 33
    code = n * _M
    pw = int(code / rng.uniform(0.28, 0.45))
    ph = int(pw * 1.414)
    paper, ink = rng.uniform(225, 250), rng.uniform(25, 70)  # toner is never black
    canvas = np.full((ph, pw), paper, np.float32)
    canvas[int(ph * 0.05):int(ph * 0.09), int(pw * 0.08):int(pw * 0.25)] = ink + 40  # logo
    _lines(canvas, (int(pw * 0.08), int(ph * 0.12), int(pw * 0.84), int(ph * 0.12)), ink, rng)
    top = int(ph * 0.3)
    left = int(pw * rng.uniform(0.08, 0.92)) - code // 2
    left = min(max(left, int(pw * 0.06)), pw - code - int(pw * 0.06))
    if modules is not None:
        codeimg = np.where(np.kron(modules, np.ones((_M, _M), bool)), ink, paper)
        if c["invert"]:
            codeimg = ink + paper - codeimg  # a "reversed" print: light modules on a dark tile
            pad = 2 * _M
            canvas[top - pad:top + code + pad, left - pad:left + code + pad] = ink
        canvas[top:top + code, left:left + code] = codeimg
    _lines(canvas, (int(pw * 0.08), top + code + int(ph * 0.05), int(pw * 0.84), int(ph * 0.3)),
           ink, rng)
    yy, xx = np.mgrid[0:ph, 0:pw].astype(np.float32)
    light = 0.75 + 0.25 * c["brightness"] - 0.2 * (xx / pw) * rng.uniform(0, 1)
    canvas *= light
    mask = np.ones(canvas.shape, np.float32)
    return canvas, mask, (left + code / 2, top + code / 2)


def _rounded(img: np.ndarray, box, radius: int, value: float) -> None:
    x, y, w, h = box
    cv2.rectangle(img, (x + radius, y), (x + w - radius, y + h), value, -1)
    cv2.rectangle(img, (x, y + radius), (x + w, y + h - radius), value, -1)
    for cx, cy in ((x + radius, y + radius), (x + w - radius, y + radius),
                   (x + radius, y + h - radius), (x + w - radius, y + h - radius)):
        cv2.circle(img, (cx, cy), radius, value, -1)


def _projection(shape, centre, c: dict) -> np.ndarray:
    """Homography from canvas pixels to frame pixels: a pinhole camera looking at the carrier."""
    h, w = shape
    scale = c["module_px"] / _M  # frame pixels per canvas pixel at the code's centre
    depth = FOCAL_PX / scale
    yaw, pitch, roll = (math.radians(c[k]) for k in ("yaw", "pitch", "roll"))
    rot = (_rot("z", roll) @ _rot("y", yaw) @ _rot("x", pitch))
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    world = np.c_[corners - np.float32(centre), np.zeros(4)] @ rot.T + [0, 0, depth]
    u = FOCAL_PX * world[:, 0] / world[:, 2] + c["cx"] * WIDTH
    v = FOCAL_PX * world[:, 1] / world[:, 2] + c["cy"] * HEIGHT
    return cv2.getPerspectiveTransform(corners, np.float32(np.c_[u, v]))


def _rot(axis: str, a: float) -> np.ndarray:
    cos, sin = math.cos(a), math.sin(a)
    if axis == "x":
        return np.array([[1, 0, 0], [0, cos, -sin], [0, sin, cos]])
    if axis == "y":
        return np.array([[cos, 0, sin], [0, 1, 0], [-sin, 0, cos]])
    return np.array([[cos, -sin, 0], [sin, cos, 0], [0, 0, 1]])


def _project(canvas, mask, homography, c: dict) -> tuple[np.ndarray, np.ndarray]:
    """Warp the carrier into the frame; the lens blurs what is finer than a frame pixel."""
    scale = c["module_px"] / _M
    sigma = 0.5 / scale
    canvas = cv2.GaussianBlur(canvas, (0, 0), sigma)
    size = (WIDTH, HEIGHT)
    layer = cv2.warpPerspective(canvas * mask, homography, size, flags=cv2.INTER_LINEAR)
    alpha = cv2.warpPerspective(mask, homography, size, flags=cv2.INTER_LINEAR)
    return layer, alpha


def _moire(layer, alpha, strength: float, rng) -> np.ndarray:
    """Wavy interference bands where the screen's pixel grid beats with the sensor's.

    Real bands are soft and wide (tens of pixels) and take away a quarter of the contrast at
    most; a fine residue of the grid itself rides on them.
    """
    yy, xx = _grid()
    angle = rng.uniform(0, math.pi)
    period = rng.uniform(8.0, 30.0)
    bend = rng.uniform(-1.0, 1.0) * 2e-3
    phase = (xx * math.cos(angle) + yy * math.sin(angle)) / period
    phase += bend * ((xx - WIDTH / 2) ** 2 + (yy - HEIGHT / 2) ** 2) / period
    bands = 0.5 * (1 + np.cos(2 * math.pi * phase))
    grid = 0.5 * (1 + np.cos(2 * math.pi * (xx * math.sin(angle) - yy * math.cos(angle)) / 2.7))
    fringes = 1 - strength * (0.35 * bands + 0.1 * grid)
    return layer * np.where(alpha > 0, fringes, 1).astype(np.float32)


def _camera_blur(layer, alpha, c: dict) -> tuple[np.ndarray, np.ndarray]:
    """Defocus and hand motion blur the carrier (premultiplied), not the room behind it."""
    if c["defocus"] > 0:
        layer = cv2.GaussianBlur(layer, (0, 0), c["defocus"])
        alpha = cv2.GaussianBlur(alpha, (0, 0), c["defocus"])
    if c["motion"] >= 1:
        length = int(round(c["motion"]))
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2, :] = 1.0 / length
        centre = ((length - 1) / 2, (length - 1) / 2)
        rotate = cv2.getRotationMatrix2D(centre, c["motion_angle"], 1.0)
        kernel = cv2.warpAffine(kernel, rotate, (length, length))
        kernel /= max(kernel.sum(), 1e-6)
        layer = cv2.filter2D(layer, -1, kernel)
        alpha = cv2.filter2D(alpha, -1, kernel)
    return layer, np.clip(alpha, 0, 1)


def _glare(frame, homography, centre, strength: float, rng) -> np.ndarray:
    """A soft specular highlight near the code, saturating what it covers."""
    pt = cv2.perspectiveTransform(np.float32([[centre]]), homography)[0, 0]
    size = cv2.perspectiveTransform(np.float32([[[centre[0] + 10 * _M, centre[1]]]]),
                                    homography)[0, 0]
    span = max(8.0, float(np.hypot(*(size - pt))))  # ~10 modules in frame pixels
    gx, gy = pt + rng.uniform(-1.5, 1.5, 2) * span
    ax, ay = span * rng.uniform(0.8, 2.0), span * rng.uniform(0.3, 0.8)
    theta = rng.uniform(0, math.pi)
    reach = 3 * ax  # the blob is below one grey level beyond this
    x0, x1 = max(0, int(gx - reach)), min(WIDTH, int(gx + reach) + 1)
    y0, y1 = max(0, int(gy - reach)), min(HEIGHT, int(gy + reach) + 1)
    if x0 >= x1 or y0 >= y1:
        return frame
    yy, xx = _grid()
    dx, dy = xx[:, x0:x1] - gx, yy[y0:y1] - gy
    u = (dx * math.cos(theta) + dy * math.sin(theta)) / ax
    v = (-dx * math.sin(theta) + dy * math.cos(theta)) / ay
    frame[y0:y1, x0:x1] += (np.exp(-(u * u + v * v)) * (300.0 * strength))[..., None]
    return frame


# ---------------------------------------------------------------- the frame set


def _token(rng) -> str:
    """A signed-ticket-like string: v1.<base64url claims>.<base64url HMAC>, ~130 characters."""
    code = f"SHIC2026-{rng.integers(0, 10**6):06d}"
    claims = f'{{"c":"{code}","e":"shic2026","i":{rng.integers(1e9)}}}'
    body = base64.urlsafe_b64encode(claims.encode()).rstrip(b"=").decode()
    sig = hashlib.sha256(body.encode() + rng.bytes(8)).digest() + rng.bytes(16)
    return f"v1.{body}.{base64.urlsafe_b64encode(sig).rstrip(b'=').decode()}"


def _chinese(rng) -> str:
    code = f"SHIC2026-{rng.integers(0, 10**6):06d}"
    name = str(rng.choice(SURNAMES)) + "".join(rng.choice(GIVEN, size=int(rng.integers(1, 3))))
    org = str(rng.choice(ORGS[:12]))
    return str(rng.choice([f"{name}|{org}|{code}", f"{name} {code}", f"签到 {name}"]))


def _payload(rng) -> tuple[str, str, str]:
    """(text, encoding, kind) for one frame."""
    kind = rng.choice(["code", "token", "url", "chinese", "gb18030"], p=[.32, .25, .18, .13, .12])
    number = f"{rng.integers(0, 10**6):06d}"
    if kind == "code":
        return f"SHIC2026-{number}", "utf-8", "code"
    if kind == "token":
        return _token(rng), "utf-8", "token"
    if kind == "url":
        sig = base64.urlsafe_b64encode(rng.bytes(12)).decode()
        return f"https://reg.shic2026.cn/c/SHIC2026-{number}?s={sig}", "utf-8", "url"
    text = _chinese(rng)
    if kind == "gb18030":
        return text, "gb18030", "gb18030"
    return text, str(rng.choice(["utf-8", "utf-8-bom"], p=[.8, .2])), "chinese"


# A frame set is mostly ordinary frames with one or two things wrong, as at a real desk.
# Each problem maps a severity 0..1 onto the conditions it spoils.
_PROBLEMS = {
    "far": lambda c, s: c.update(module_px=2.9 - 1.2 * s),  # 1.7 px modules: ~70 cm away
    "defocus": lambda c, s: c.update(defocus=0.8 + 1.4 * s),
    "motion": lambda c, s: c.update(motion=3 + 8 * s),
    "glare": lambda c, s: c.update(glare=0.3 + 0.6 * s),
    "moire": lambda c, s: c.update(moire=0.2 + 0.5 * s),  # phones only (drawn for phones)
    "dim": lambda c, s: c.update(brightness=0.5 - 0.38 * s, noise=c["noise"] + 3 * s),
    "tilt": lambda c, s: c.update(yaw=math.copysign(25 + 30 * s, c["yaw"]),
                                  pitch=c["pitch"] / 2),
    "dark": lambda c, s: c.update(invert=True),
    "jpeg": lambda c, s: c.update(jpeg=int(60 - 25 * s), noise=c["noise"] + 4 * s),
}
TIERS = {"clean": 0.22, "typical": 0.38, "hard": 0.30, "empty": 0.10}  # share of frames


def _conditions(rng, tier: str) -> dict:
    """Mild conditions, then no problem (clean), one moderate (typical) or two strong (hard)."""
    carrier = "phone" if rng.random() < 0.7 else "paper"
    c = {
        "carrier": carrier, "ec": str(rng.choice(["L", "M", "Q", "H"], p=[.2, .5, .2, .1])),
        "module_px": float(rng.uniform(3.0, 5.0)), "cx": float(rng.uniform(0.3, 0.7)),
        "cy": float(rng.uniform(0.3, 0.7)), "roll": float(rng.uniform(-25, 25)),
        "yaw": float(rng.uniform(-20, 20)), "pitch": float(rng.uniform(-20, 20)),
        "defocus": float(rng.uniform(0.2, 0.7)), "motion": float(rng.uniform(0, 2)),
        "motion_angle": float(rng.uniform(0, 180)), "glare": 0.0, "moire": 0.0,
        "brightness": float(rng.uniform(0.6, 1.0)), "invert": bool(rng.random() < 0.05),
        "noise": float(rng.uniform(1.5, 4.0)), "jpeg": int(rng.uniform(70, 92)), "tier": tier,
    }
    names = [p for p in _PROBLEMS if carrier == "phone" or p != "moire"]
    count = {"typical": 1, "hard": 2}.get(tier, 0)
    problems = [str(p) for p in rng.choice(names, size=count, replace=False)]
    for name in problems:
        low, high = (0.2, 0.7) if tier == "typical" else (0.35, 0.9)
        _PROBLEMS[name](c, float(rng.uniform(low, high)))
    c["problems"] = ",".join(problems)
    return c


def frame_set(n: int = 120, seed: int = 7) -> list[tuple[str, np.ndarray, dict]]:
    """n frames drawn from TIERS (10% show no code): (expected text, frame, conditions).

    The first frames cycle through each tier and an empty frame so that a small n still has
    one of each.
    """
    tiers = list(TIERS)
    out = []
    for i in range(n):
        rng = np.random.default_rng([seed, i])
        if i < len(tiers):
            tier = tiers[i]
        else:
            tier = str(rng.choice(tiers, p=list(TIERS.values())))
        conditions = _conditions(rng, tier)
        if tier == "empty":
            text, conditions["encoding"], conditions["payload"] = "", "utf-8", "none"
            conditions["tier"] = "empty"
        else:
            text, conditions["encoding"], conditions["payload"] = _payload(rng)
        frame = webcam_frame(text, seed=seed * 100_003 + i, **conditions)
        out.append((text, frame, conditions))
    return out


# -- recorded sessions: plain codes held up to the camera, as video files -----------------
def qr_image(text: str, scale: int = 6) -> np.ndarray:
    """A grayscale QR code with its quiet zone."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
    image = np.array(barcode.to_image(scale=scale))
    return cv2.copyMakeBorder(image, 4 * scale, 4 * scale, 4 * scale, 4 * scale,
                              cv2.BORDER_CONSTANT, value=255)


def frame_with(texts: list[str], size=(WIDTH, HEIGHT), scale: int = 6) -> np.ndarray:
    """A 1280x720 BGR frame: a grey desk with the codes side by side (or nothing)."""
    width, height = size
    frame = np.full((height, width, 3), 90, np.uint8)
    x = 60
    for text in texts:
        code = cv2.cvtColor(qr_image(text, scale), cv2.COLOR_GRAY2BGR)
        h, w = code.shape[:2]
        y = (height - h) // 2
        frame[y:y + h, x:x + w] = code
        x += w + 60
    return frame


def write_video(path: Path, frames: list[np.ndarray], fps: float = 30.0) -> Path:
    """Frames written with a real codec, read back by OpenCV like a recording."""
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError("OpenCV cannot write MJPG video here")
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def code_shown_for(path: Path, text: str, seconds: float = 2.0, fps: float = 30.0) -> Path:
    """Half a second of empty desk, the code held up for `seconds`, half a second empty.
    Every fifth frame of the code is motion-blurred, as a moving hand makes it."""
    empty = frame_with([])
    shown = frame_with([text])
    blurred = cv2.blur(shown, (25, 1))
    frames = [empty] * int(fps / 2)
    frames += [blurred if i % 5 == 4 else shown for i in range(int(seconds * fps))]
    frames += [empty] * int(fps / 2)
    return write_video(path, frames, fps)
