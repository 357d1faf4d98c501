"""Biometric checks and formats: numpy/OpenCV only, no Qt, no database (import-linter enforces).

    images    decode_image / ImageDecodeError, image_ppi
    finger    assess(gray, ppi=500) -> FingerQuality (NFIQ 2-inspired, not NFIQ 2)
    face      check(bgr, birth_year=None) -> FaceCheck (+ 3:4 portrait)
    sequence  check(prints) -> list[SequenceProblem] (same finger in two slots)
    signature Strokes, check, render_png, to_json / from_json (ISO 19794-7-style channels)
    formats   wsq, iso19794_4, iso19794_5, iso19794_6, ansi_nist, minutiae

Submodules are imported on use (OpenCV's cascades and SIFT load lazily). See docs/biometrics.md.
"""
