from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    """Returnees sign up with a phone number (E.164, unique when set, verified by SMS code), e-mail optional."""

    dependencies = [
        ("portal", "0008_data_protection_officer_role"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="email",
            field=models.EmailField(blank=True, max_length=254, null=True, unique=True, verbose_name="e-mail address"),
        ),
        migrations.AddField(
            model_name="user",
            name="phone_verified",
            field=models.BooleanField(default=False, verbose_name="phone number verified"),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                condition=~Q(phone=""), fields=("phone",), name="user_phone_unique_when_set"
            ),
        ),
    ]
