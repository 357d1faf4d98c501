"""MOSIP SBI (Secure Biometric Interface) client driver and device simulator."""
