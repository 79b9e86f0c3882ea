"""StreamField blocks of the information pages. Every block has its icon, a translated label and a template."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class CalloutKind(blocks.ChoiceBlock):
    choices = [
        ("info", _("Information")),
        ("warning", _("Warning")),
        ("help", _("Where to get help")),
    ]


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=250)
    answer = blocks.RichTextBlock(label=_("Answer"), features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "help"
        label = _("Question and answer")


class FAQBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    items = blocks.ListBlock(FAQItemBlock(), label=_("Questions"), min_num=1)

    class Meta:
        icon = "help"
        label = _("Frequently asked questions")
        template = "cms/blocks/faq.html"


class CalloutBlock(blocks.StructBlock):
    kind = CalloutKind(label=_("Kind"), default="info")
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link"])

    class Meta:
        icon = "warning"
        label = _("Call-out")
        template = "cms/blocks/callout.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Step"), max_length=160)
    text = blocks.RichTextBlock(label=_("What to do"), features=["bold", "italic", "link", "ul"], required=False)

    class Meta:
        icon = "list-ol"
        label = _("Step")


class StepsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    steps = blocks.ListBlock(StepBlock(), label=_("Steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Step-by-step guide")
        template = "cms/blocks/steps.html"


class ContactCardBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Name"), max_length=160)
    description = blocks.TextBlock(label=_("What they help with"), required=False)
    phone = blocks.CharBlock(label=_("Phone"), max_length=40, required=False)
    email = blocks.EmailBlock(label=_("E-mail"), required=False)
    website = blocks.URLBlock(label=_("Website"), required=False)
    hours = blocks.CharBlock(label=_("Opening hours"), max_length=160, required=False)

    class Meta:
        icon = "user"
        label = _("Contact card")
        template = "cms/blocks/contact_card.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("Video link"))
    title = blocks.CharBlock(label=_("Title"), max_length=160)
    # Required: people on a slow connection, or who cannot hear or see the video, read this instead.
    text_alternative = blocks.RichTextBlock(
        label=_("Text alternative"),
        features=["bold", "italic", "ul", "ol"],
        help_text=_("A transcript or a summary of everything the video says and shows."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "cms/blocks/video.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), max_length=160)
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "cms/blocks/document.html"


class ImageBlock(blocks.StructBlock):
    """An image with its text alternative, always: uploads are limited by WAGTAILIMAGES_MAX_UPLOAD_SIZE and
    WAGTAILIMAGES_MAX_IMAGE_PIXELS (portal/settings.py) and shown as a width-limited rendition."""

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Text alternative"),
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), max_length=250, required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image.html"


class InformationStreamBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=_("Text"),
        icon="pilcrow",
        features=["h2", "h3", "bold", "italic", "link", "ul", "ol"],
        template="cms/blocks/text.html",
    )
    faq = FAQBlock()
    callout = CalloutBlock()
    steps = StepsBlock()
    contact = ContactCardBlock()
    image = ImageBlock()
    video = VideoBlock()
    document = DocumentBlock()

    class Meta:
        label = _("Content")


class NewsStreamBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=_("Text"),
        icon="pilcrow",
        features=["h2", "h3", "bold", "italic", "link", "ul", "ol"],
        template="cms/blocks/text.html",
    )
    callout = CalloutBlock()
    image = ImageBlock()
    video = VideoBlock()
    document = DocumentBlock()

    class Meta:
        label = _("Content")
