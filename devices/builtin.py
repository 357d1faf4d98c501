"""Manifests of the built-in drivers (registered in pyproject.toml under ``rekam.devices``).

This module imports nothing but the contract, so listing drivers never loads OpenCV capture
back-ends, HTTP clients or anything else a driver needs.
"""

from __future__ import annotations

from devices.api import DriverManifest, Modality

OPENCV_CAMERA = DriverManifest(
    id="opencv-camera",
    name="Kamera OpenCV / OpenCV camera",
    vendor="Rekam",
    modalities=(Modality.FACE,),
    factory="devices.opencv_camera:OpenCvCameraDriver",
    version="1.0",
    requires=("cv2",),
    description="Webcams and USB cameras by index, video files, or stream URLs (RTSP/HTTP).",
    options={
        "source": "camera index (0, 1 ...), a video file path, or a stream URL",
        "width": "requested frame width in pixels",
        "height": "requested frame height in pixels",
        "fps": "requested frames per second",
        "loop": "rewind a video file at its end (default true)",
    },
)

SBI = DriverManifest(
    id="sbi",
    name="MOSIP SBI",
    vendor="Rekam (MOSIP SBI 0.9.5 / 1.0 client)",
    modalities=(Modality.FINGER, Modality.FACE, Modality.IRIS),
    factory="devices.sbi.driver:SbiDriver",
    version="1.0",
    requires=("httpx", "cryptography"),
    description="Certified MOSIP SBI (MDS) devices on 127.0.0.1 ports 4501-4600.",
    options={
        "host": "device service address (default 127.0.0.1)",
        "ports": "port range to scan, e.g. 4501-4600",
        "port": "a single device service port (skips the scan)",
        "discovery_timeout": "seconds for MOSIPDISC / MOSIPDINFO (default 5)",
        "capture_timeout": "seconds for RCAPTURE (default 40)",
        "trust_store": "PEM file of trusted device-provider / FTM root certificates",
        "require_signed": "refuse unsigned data blocks (default true for spec 1.0)",
        "env": "target environment sent to the device (default Staging)",
    },
)

SIMULATED = DriverManifest(
    id="simulated",
    name="Perangkat simulasi / Simulated devices",
    vendor="Rekam",
    modalities=(Modality.FACE, Modality.FINGER, Modality.SIGNATURE, Modality.IRIS),
    factory="devices.simulated.driver:SimulatedDriver",
    version="1.0",
    requires=("cv2",),
    description="Camera, fingerprint scanner, signature pad and iris camera for demo, training "
    "and tests, with controllable quality and fault injection.",
    options={
        "seed": "the synthetic person (same seed, same face and fingers)",
        "quality": "fingerprint quality: good, dry, smudged, partial, blank",
        "fault": "none, disconnect, timeout, garbage, hang (a driver that ignores cancel)",
        "fault_after": "successful captures before the fault starts (default 0)",
        "latency": "seconds a capture takes (default 0.2)",
        "birth_year": "for the face backdrop colour (red odd, blue even)",
        "iris_defects": "comma-separated iris defects: occluded, closed, blurred, off_gaze, "
        "dilated, constricted, low_contrast, small, cut, glare",
    },
)

FILES = DriverManifest(
    id="files",
    name="Berkas gambar / Image files",
    vendor="Rekam",
    modalities=(Modality.FACE, Modality.FINGER, Modality.SIGNATURE, Modality.IRIS),
    factory="devices.files:FilesDriver",
    version="1.0",
    requires=("cv2",),
    description="Captures read from disk: face.jpg, finger-01.png ... finger-10.wsq, "
    "signature.json, iris-left.png / iris-right.png or ISO 19794-6 records (used by "
    "`rekam enroll --from-dir`).",
    options={
        "path": "an image file, or a folder holding face.*, finger-NN.*, signature.json, "
        "iris-left.* / iris-right.*",
        "ppi": "resolution of finger images (default 500)",
    },
)
