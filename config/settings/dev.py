from .base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)  # noqa: F405
SECRET_KEY = SECRET_KEY or "dev-only-key-not-for-production"  # noqa: F405
ALLOWED_HOSTS = ALLOWED_HOSTS + ["0.0.0.0", "[::1]"]  # noqa: F405, S104
