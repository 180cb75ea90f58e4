"""Repositories: the questions the services ask of the utility data, one module per
aggregate.

Each repository wraps the unit of work's session (:class:`bot.db.uow.UnitOfWork` makes
them; services never build one themselves) and returns ORM objects, None or lists.
What an answer needs afterwards is loaded eagerly (invoice lines and reading, a
customer's station and feeder), because sessions end before replies are written.
Customer codes are normalised (:func:`bot.domain.codes.normalize_code`). Nothing here
reads the wall clock except through :mod:`bot.clock`.
"""

from bot.db.repositories.channels import ChannelRepository
from bot.db.repositories.conversations import ConversationRepository
from bot.db.repositories.customers import CustomerRepository
from bot.db.repositories.desk import DeskRepository
from bot.db.repositories.handoffs import HandoffRepository
from bot.db.repositories.identity import IdentityRepository
from bot.db.repositories.invoices import InvoiceRepository, ReadingRepository
from bot.db.repositories.notices import NoticeRepository
from bot.db.repositories.offices import OfficeRepository
from bot.db.repositories.outages import OutageRepository
from bot.db.repositories.security import SecurityRepository
from bot.db.repositories.tariffs import TariffRepository
from bot.db.repositories.tickets import TicketRepository

__all__ = [
    "ConversationRepository",
    "ChannelRepository",
    "CustomerRepository",
    "DeskRepository",
    "HandoffRepository",
    "IdentityRepository",
    "InvoiceRepository",
    "NoticeRepository",
    "OfficeRepository",
    "OutageRepository",
    "ReadingRepository",
    "SecurityRepository",
    "TariffRepository",
    "TicketRepository",
]
