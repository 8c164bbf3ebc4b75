import smtplib
from email.message import EmailMessage


def send_reminder(address: str, text: str) -> None:
    message = EmailMessage()
    message["To"] = address
    message.set_content(text)
    with smtplib.SMTP("localhost", 25) as server:
        server.send_message(message)


def remind(address: str) -> None:
    send_reminder(address, "Your appointment is tomorrow.")
