"""Emails, each built from a template file in app/email-templates and sent by SMTP."""

import smtplib
from email.message import EmailMessage
from pathlib import Path
from string import Template

from app.core.config import settings

TEMPLATES = Path(__file__).parent / "email-templates"


def render_email_template(template_name: str, **context: object) -> str:
    return Template((TEMPLATES / template_name).read_text(encoding="utf-8")).substitute(context)


def send_email(*, email_to: str, subject: str, html_content: str) -> None:
    assert settings.SMTP_HOST is not None, "no SMTP_HOST: emails are disabled"
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.EMAILS_FROM_EMAIL
    message["To"] = email_to
    message.set_content(html_content, subtype="html")
    with smtplib.SMTP(settings.SMTP_HOST, settings.SMTP_PORT, timeout=10) as smtp:
        smtp.send_message(message)


def send_test_email(*, email_to: str) -> None:
    html = render_email_template("test_email.html", project_name=settings.PROJECT_NAME, email=email_to)
    send_email(email_to=email_to, subject=f"{settings.PROJECT_NAME} - Test email", html_content=html)


def send_reset_password_email(*, email_to: str, token: str) -> None:
    html = render_email_template(
        "reset_password.html",
        project_name=settings.PROJECT_NAME,
        email=email_to,
        link=f"{settings.FRONTEND_HOST}/reset-password?token={token}",
        valid_hours=settings.EMAIL_RESET_TOKEN_EXPIRE_HOURS,
    )
    subject = f"{settings.PROJECT_NAME} - Password recovery for user {email_to}"
    send_email(email_to=email_to, subject=subject, html_content=html)
