"""Never imported unless `acme_fp900_sdk` is installed (the manifest declares it)."""

import acme_fp900_sdk  # noqa: F401  (the vendor SDK this example pretends to wrap)
