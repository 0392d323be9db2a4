import { Button, Menu } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { currentLanguage, setLanguage, type Language } from '../i18n';

const names: Record<Language, string> = { fr: 'Français', en: 'English' };

/** The language switch of every page; the choice is remembered in this browser. */
export function LanguageMenu() {
  const { t } = useTranslation();
  const current = currentLanguage();
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button variant="subtle" color="gray" size="compact-sm" aria-label={t('language.label')} data-testid="language-menu">
          {current.toUpperCase()}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('language.label')}</Menu.Label>
        {(Object.keys(names) as Language[]).map((lng) => (
          <Menu.Item key={lng} onClick={() => void setLanguage(lng)} fw={lng === current ? 600 : undefined} lang={lng}>
            {names[lng]}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
