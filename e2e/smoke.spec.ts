import { expect, test } from "@playwright/test";

test("home page answers and names Shoal", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle(/Shoal/);
  expect(await page.content()).toContain("Shoal");
});
