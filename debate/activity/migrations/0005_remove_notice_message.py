# The words are made when a notice is read now (0004 moved every row's message into params).
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("activity", "0004_notice_params")]

    operations = [migrations.RemoveField(model_name="notice", name="message")]
