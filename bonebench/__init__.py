"""bonebench: bone segmentation in CT from few annotated patients (train, export, segment)."""

__version__ = "0.1.0"
