from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from notifications.enums import MessageKind
from outreach.enums import Role
from outreach.models import User
from outreach.permissions import chapter_roles
from outreach.validators import validate_plain_text, validate_single_line

TEXT_VALIDATORS = (validate_single_line, validate_plain_text)


def with_text_validators(field: forms.Field, model_field) -> forms.Field:
    """
    The model field's refusal of control characters on the form field, in place of Django's NUL
    check: it refuses NUL too and says where, so a field shows one message, not two about the same
    character. A ModelForm would check the model's validators only after its own, which stop at NUL.
    """
    text = [v for v in model_field.validators if v in TEXT_VALIDATORS and v not in field.validators]
    if text:
        field.validators = [
            *text,
            *(v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)),
        ]
    return field


class SignupForm(AllauthSignupForm):
    """allauth's signup form that also asks for the public display name."""

    field_order = ["email", "display_name", "password1", "password2"]

    display_name = with_text_validators(
        forms.CharField(
            label=_("Display name"),
            max_length=User._meta.get_field("display_name").max_length,
            help_text=User._meta.get_field("display_name").help_text,
            widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
        ),
        User._meta.get_field("display_name"),
    )

    def signup(self, request, user):
        # Called by allauth right after it saved the user, before the verification email goes out.
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])


class ProfileForm(forms.ModelForm):
    """What a volunteer tells us about themselves: a public name, and contact details kept private."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        for name, field in self.fields.items():
            with_text_validators(field, User._meta.get_field(name))

    class Meta:
        model = User
        fields = ["display_name", "legal_name", "phone"]
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
            "legal_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }


class PreferencesForm(forms.ModelForm):
    """
    The kinds of email a person may turn off (MessageKind.optional()), each as the User field that
    does it. The leads' digest goes only to chapter leads, so only they are offered it.
    """

    class Meta:
        model = User
        fields = list(MessageKind.optional().values())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if Role.LEAD not in chapter_roles(self.instance).values():
            del self.fields[MessageKind.optional()[MessageKind.LEAD_DIGEST]]
