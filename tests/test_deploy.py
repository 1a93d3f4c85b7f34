"""deploy/: the nginx configuration is valid, HTTPS-only with HSTS, and the bench copy too."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "deploy" / "nginx.conf"

needs_nginx = pytest.mark.skipif(shutil.which("nginx") is None or shutil.which("openssl") is None,
                                 reason="nginx and openssl are not installed "
                                        "(scripts/system-deps test installs them)")


def nginx_test(tmp_path: Path, site: str) -> subprocess.CompletedProcess:
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\ninclude /etc/nginx/mime.types;\ninclude {tmp_path}/site.conf;\n}}\n")
    return subprocess.run(["nginx", "-t", "-c", str(tmp_path / "nginx.conf"), "-p",
                           str(tmp_path)], capture_output=True, text=True, timeout=60)


def test_https_redirect_and_hsts_are_configured():
    text = CONF.read_text()
    assert "return 301 https://$host$request_uri;" in text
    assert "listen 443 ssl" in text
    assert 'Strict-Transport-Security "max-age=31536000; includeSubDomains" always' in text
    assert "# ssl_certificate     /etc/letsencrypt/" in text  # paths for the city to set
    assert "location = /healthz" in text and "proxy_no_cache 1;" in text


@needs_nginx
def test_the_configuration_is_valid_once_certificates_are_set(tmp_path):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    site = (CONF.read_text()
            .replace("# ssl_certificate     /etc/letsencrypt/live/rumours.example.org/fullchain.pem",
                     f"ssl_certificate {tmp_path / 'cert.pem'}")
            .replace("# ssl_certificate_key /etc/letsencrypt/live/rumours.example.org/privkey.pem",
                     f"ssl_certificate_key {tmp_path / 'key.pem'}")
            .replace("/var/cache/nginx/rumours", str(tmp_path / "cache")))
    result = nginx_test(tmp_path, site)
    assert result.returncode == 0, result.stderr


@needs_nginx
def test_the_plain_http_copy_for_the_bench_is_valid(tmp_path):
    rendered = subprocess.run(
        ["sed", "-e", "/# BEGIN https redirect/,/# END https redirect/d", "-e", "/# tls-only/d",
         "-e", "s#listen 443 ssl http2;#listen 127.0.0.1:8099;#",
         "-e", f"s#/var/cache/nginx/rumours#{tmp_path}/cache#", str(CONF)],
        capture_output=True, text=True, check=True).stdout
    assert 'grep' not in rendered and "ssl" not in rendered.replace("# ssl_certificate", "")
    assert "# ssl_certificate" in rendered  # the sed line of bench/load.sh must match too
    assert "s#listen 443 ssl http2;#" in (ROOT / "bench" / "load.sh").read_text()
    result = nginx_test(tmp_path, rendered)
    assert result.returncode == 0, result.stderr
