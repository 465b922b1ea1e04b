"""The Qt window of CĐS Desk. Everything here calls the core's services."""
