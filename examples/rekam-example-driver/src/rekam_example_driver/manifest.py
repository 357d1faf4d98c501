"""Manifests only: the station imports this module to *list* the drivers, so it must stay light
(no SDK imports, no I/O). The driver code lives in `driver.py` and is imported on first use."""

from devices.api import DriverManifest, Modality

PAD = DriverManifest(
    id="example-pad",
    name="Contoh bantalan tanda tangan jaringan / Example network signature pad",
    vendor="Example Vendor",
    modalities=(Modality.SIGNATURE,),
    factory="rekam_example_driver.driver:PadDriver",
    version="0.1.0",
    requires=(),  # stdlib sockets only
    description="A pen pad (or a tablet bridge app) streaming pen events over TCP as lines: "
    "'D x y t_ms pressure' while the pen is down, 'U' at pen-up, 'E' when done.",
    options={"host": "pad address (default 127.0.0.1)", "port": "TCP port of the pad",
             "timeout": "seconds to wait for the signer (default 40)"},
)

# A second driver in the same package whose vendor SDK is not installed: the station lists it
# as "library unavailable" without ever importing its code.
ACME = DriverManifest(
    id="example-acme",
    name="ACME FP-900 (contoh / example)",
    vendor="ACME",
    modalities=(Modality.FINGER,),
    factory="rekam_example_driver.acme:AcmeDriver",
    version="0.1.0",
    requires=("acme_fp900_sdk",),
)
