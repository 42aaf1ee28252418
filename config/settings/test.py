import os

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Several test runs may share one server (the embedded one or DATABASE_URL's): TEST_DATABASE_SUFFIX keeps them apart.
DATABASES["default"]["TEST"] = {  # noqa: F405
    "NAME": "test_frikommune"
    + (f"_{os.environ['TEST_DATABASE_SUFFIX']}" if os.environ.get("TEST_DATABASE_SUFFIX") else "")
}
# Tests serve static files through the finders; there is no collectstatic output for WhiteNoise to look at.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

# Alerts consider every moment up to now: tests publish and send within the same second.
ALERTS_SETTLE_SECONDS = 0
