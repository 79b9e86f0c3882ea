from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0019_user_time_zone"),
    ]

    operations = [
        migrations.AddField(
            model_name="centre",
            name="reply_to_email",
            field=models.EmailField(
                blank=True,
                help_text=(
                    "Replies to the portal's e-mails about this centre go here. Empty: the centre's e-mail address."
                ),
                max_length=254,
                verbose_name="reply address for e-mails",
            ),
        ),
    ]
